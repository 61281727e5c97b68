"""Validators shared by the web forms."""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import LazyString
from flask_wtf import FlaskForm
from wtforms import Field
from wtforms.validators import ValidationError

from formapp.definitions.printable import unprintable_o, unprintable_p


class Printable:
    """Refuses text a sealed PDF can not print (a character no font has, a control or bidi
    character), naming the character, in the reader's language. The text is judged as the
    stores keep it: runs of blanks are one space."""

    def __init__(self, problem: Callable[[str], LazyString | None] = unprintable_o) -> None:
        self.problem = problem

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if isinstance(field.data, str):
            problem = self.problem(" ".join(field.data.split()))
            if problem is not None:
                raise ValidationError(str(problem))


PRINTABLE = Printable()  # officer pages
PRINTABLE_FOR_PARTICIPANT = Printable(unprintable_p)  # the participant's signing page
