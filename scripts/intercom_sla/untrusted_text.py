"""Text from the data, made inert where it is shown: in a spreadsheet cell and on a terminal.

A spreadsheet runs a cell as a formula when it begins with = + - @, or with a tab, carriage return or
line feed before one (OWASP's CSV injection list, plus the line feed), and some spreadsheets normalise
the fullwidth forms of those (U+FF1D, U+FF0B, U+FF0D, U+FF20) to them. A bidi control (a right-to-left
override, ...) makes a cell or a line show other text than it holds, and an escape (ESC) starts an ANSI
sequence a terminal runs when the file is printed.
"""

from __future__ import annotations

import unicodedata

FORMULA_STARTS = "=+-@\t\r\n"
FULLWIDTH_FORMULA_STARTS = "\uff1d\uff0b\uff0d\uff20"
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
ESCAPE = "\x1b"
CELL_STARTS_NEUTRALISED = FORMULA_STARTS + FULLWIDTH_FORMULA_STARTS + BIDI_CONTROLS + ESCAPE
# every character spelled as an RE2 code point, so none is read as regex or SQL syntax
NEUTRALISED_START = "^[" + "".join(f"\\x{{{ord(character):04X}}}" for character in CELL_STARTS_NEUTRALISED) + "]"


def spreadsheet_safe_sql(expression: str) -> str:
    """SQL for a text cell: prefixed with an apostrophe (OWASP's advice: the spreadsheet then takes the
    cell as text) when it begins with a character in CELL_STARTS_NEUTRALISED, else as it is."""
    return (
        f"case when regexp_matches({expression}, '{NEUTRALISED_START}') then '''' || {expression} else {expression} end"
    )


def terminal_safe(text: str) -> str:
    """`text` with every control character and bidi control spelled as its escape (`\\x1b`, `\\n`,
    `\\u202e`), so printing data cannot move the cursor, recolour or reorder the terminal."""
    return "".join(
        character.encode("unicode_escape").decode("ascii")
        if unicodedata.category(character) == "Cc" or character in BIDI_CONTROLS
        else character
        for character in text
    )
