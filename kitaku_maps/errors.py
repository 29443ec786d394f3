"""The project's exceptions.

Every message says what was expected, what was found, where, and what to do.
``message_ja`` carries the Japanese text the app shows to users.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what is wrong.

    ``row`` is the 1-based data row as a spreadsheet shows it (the header is
    row 1, so the first data row is 2) or ``None`` when the problem concerns a
    whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: expected {self.expected}, found {self.found}"

    def to_ja(self) -> str:
        """The problem as one Japanese sentence for the app."""
        where = f"ファイル「{self.file}」"
        if self.row is not None:
            where += f" {self.row}行目"
        if self.column is not None:
            where += f" 列「{self.column}」"
        return f"{where}: {self.expected} が必要ですが、{self.found} でした。"


class KitakuError(Exception):
    """Base class of the project's errors."""

    message_ja: str = "処理中に問題が発生しました。"


class DataValidationError(KitakuError, ValueError):
    """An input file or bundle failed validation; ``problems`` lists why."""

    def __init__(self, problems: list[Problem], summary: str = "") -> None:
        self.problems = list(problems)
        lines = [summary or f"{len(self.problems)} problem(s) found"]
        lines += [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        super().__init__("\n".join(lines))

    @property
    def message_ja(self) -> str:  # type: ignore[override]
        lines = [f"データに{len(self.problems)}件の問題があります。"]
        lines += [f"・{p.to_ja()}" for p in self.problems[:50]]
        return "\n".join(lines)


class InputFormatError(KitakuError, ValueError):
    """A file cannot be read at all: wrong format, encoding or layout."""

    def __init__(self, message: str, message_ja: str) -> None:
        super().__init__(message)
        self.message_ja = message_ja


class UnknownDistrictError(KitakuError, KeyError):
    """A district name matches none of the known districts."""

    def __init__(self, name: str, known: list[str], where: str = "") -> None:
        self.name = name
        self.known = list(known)
        prefix = f"{where}: " if where else ""
        self.args_text = (
            f"{prefix}unknown district {name!r}; expected one of: "
            + ", ".join(self.known)
        )
        self.message_ja = (
            f"{prefix}校区名「{name}」が見つかりません。"
            "次のいずれかを指定してください: " + "、".join(self.known)
        )
        super().__init__(self.args_text)

    def __str__(self) -> str:
        return self.args_text
