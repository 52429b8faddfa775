"""Password composition rules and the strength meter (pure, no Django)."""

from __future__ import annotations

import string
from dataclasses import dataclass


@dataclass(frozen=True)
class PasswordRules:
    min_length: int = 10
    require_upper: bool = True
    require_lower: bool = True
    require_digit: bool = True
    require_special: bool = True


def password_problems(password: str, rules: PasswordRules) -> list[str]:
    """pt-BR messages naming every rule the password breaks; empty when it complies."""
    problems: list[str] = []
    if len(password) < rules.min_length:
        problems.append(f"A senha deve ter pelo menos {rules.min_length} caracteres.")
    if rules.require_upper and not any(c.isupper() for c in password):
        problems.append("A senha deve conter letras maiúsculas.")
    if rules.require_lower and not any(c.islower() for c in password):
        problems.append("A senha deve conter letras minúsculas.")
    if rules.require_digit and not any(c.isdigit() for c in password):
        problems.append("A senha deve conter números.")
    if rules.require_special and not any(c in string.punctuation or c == " " for c in password):
        problems.append("A senha deve conter caracteres especiais.")
    return problems


STRENGTH_LEVELS = ("fraca", "normal", "forte", "muito forte")


def password_strength(password: str) -> str:
    """One of four levels (tender S3.8-05): length and variety of character classes (Unicode's: an
    accented letter is a letter). The page's meter (static js/app.js) must agree case by case:
    tests/access/password_strength_cases.json runs against both."""
    classes = sum(
        (
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdecimal() for c in password),
            any(not c.isalnum() for c in password),
        )
    )
    score = classes + (1 if len(password) >= 10 else 0) + (1 if len(password) >= 14 else 0)
    if len(password) < 8 or score <= 2:
        return STRENGTH_LEVELS[0]
    if score == 3:
        return STRENGTH_LEVELS[1]
    if score in (4, 5):
        return STRENGTH_LEVELS[2]
    return STRENGTH_LEVELS[3]
