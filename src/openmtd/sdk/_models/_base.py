"""The base of the SDK's models: HMRC's camelCase names as aliases, snake_case in Python.

Answers keep fields HMRC adds later (``extra="allow"``: readable through ``model_extra``) so a
new field never breaks a read; they are frozen, since an answer is a record of what HMRC said.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, PlainSerializer
from pydantic.alias_generators import to_camel

__all__ = ["HmrcModel", "Money", "RequestModel"]

#: An amount of money: exact in Python, a JSON number on the wire (HMRC wants 2 decimal places).
Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class HmrcModel(BaseModel):
    """A body HMRC sends."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="allow", frozen=True
    )


class RequestModel(BaseModel):
    """A body the SDK sends: unknown fields are refused, so a typo is caught before sending."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True
    )

    def body(self) -> dict[str, Any]:
        """The JSON HMRC expects: its names, fields left unset are left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
