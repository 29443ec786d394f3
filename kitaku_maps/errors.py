"""The project's exceptions.

Every message says what was expected, what was found, where, and what to do.
``message_ja`` carries the Japanese text the app shows to users.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Files whose "rows" are features, counted from 1 in file order.
GEOMETRY_FILE_SUFFIXES = (".geojson", ".gpkg", ".shp", ".zip")


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is and what is wrong.

    ``row`` is the 1-based data row as a spreadsheet shows it (the header is
    row 1, so the first data row is 2) or ``None`` when the problem concerns a
    whole file or column. ``expected``/``found`` are English (command line);
    ``expected_ja``/``found_ja`` say the same in Japanese for the app.
    """

    file: str
    row: int | None
    column: str | None
    expected: str
    found: str
    expected_ja: str = ""
    found_ja: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: expected {self.expected}, found {self.found}"

    def where_ja(self) -> str:
        """Where the problem is, in Japanese: file, row (or feature) and column."""
        feature = self.file.lower().endswith(GEOMETRY_FILE_SUFFIXES)
        unit = "番目の地物" if feature else "行目"
        return where_ja(self.file, self.row, self.column, unit)

    def to_ja(self) -> str:
        """The problem as one Japanese sentence for the app."""
        expected = self.expected_ja or self.expected
        found = self.found_ja or self.found
        return f"{self.where_ja()}: {expected}が必要ですが、{found}でした。"


def where_ja(
    file: str, row: int | None = None, column: str | None = None, unit: str = "行目"
) -> str:
    """``ファイル values.csv の 12行目、列「value」`` (parts present only)."""
    text = f"ファイル {file}"
    if row is not None:
        text += f" の {row}{unit}"
    if column is not None:
        text += f"、列「{column}」" if row is not None else f" の列「{column}」"
    return text


def quoted_ja(value: object) -> str:
    """A cell as the user typed it, in Japanese brackets; an empty cell as 空欄."""
    text = "" if value is None else str(value)
    if text.strip() == "" or text == "nan":
        return "空欄"
    return f"「{text}」"


class KitakuError(Exception):
    """Base class of the project's errors."""

    message_ja: str = "処理中に問題が発生しました。"


class DataValidationError(KitakuError, ValueError):
    """An input file or bundle failed validation; ``problems`` lists why."""

    def __init__(self, problems: list[Problem], summary: str = "") -> None:
        # Whole-file problems first, then by row as a spreadsheet shows them.
        self.problems = sorted(
            problems, key=lambda p: (p.file, -1 if p.row is None else p.row)
        )
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
    """A district name matches none of the known districts.

    ``where`` is an English place (``values.csv, row 3, column 'area'``);
    ``file``/``row``/``column`` give the same place for the Japanese message.
    """

    def __init__(
        self,
        name: str,
        known: list[str],
        where: str = "",
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.name = name
        self.known = list(known)
        self.file, self.row, self.column = file, row, column
        prefix = f"{where}: " if where else ""
        self.args_text = (
            f"{prefix}unknown district {name!r}; expected one of: "
            + ", ".join(self.known)
        )
        place = f"{where_ja(file, row, column)}: " if file else prefix
        self.message_ja = (
            f"{place}登録されている地域名のいずれかが必要ですが、"
            f"「{name}」でした。登録されている名前: " + "、".join(self.known)
        )
        super().__init__(self.args_text)

    def __str__(self) -> str:
        return self.args_text

    def as_problem(self) -> Problem:
        """The error as a Problem row (for tables of problems)."""
        return Problem(
            self.file or "",
            self.row,
            self.column,
            "one of " + ", ".join(self.known),
            repr(self.name),
            "登録されている地域名（" + "、".join(self.known) + "）",
            quoted_ja(self.name),
        )
