"""Password rules and the four-level strength meter, without a database."""

import pytest

from modules.access.domain.passwords import PasswordRules, password_problems, password_strength


def test_abc123_breaks_length_upper_and_special_rules() -> None:
    problems = password_problems("abc123", PasswordRules())
    assert problems == [
        "A senha deve ter pelo menos 10 caracteres.",
        "A senha deve conter letras maiúsculas.",
        "A senha deve conter caracteres especiais.",
    ]


def test_compliant_password_has_no_problems() -> None:
    assert password_problems("Agua-Limpa-2026", PasswordRules()) == []


def test_each_missing_class_is_named() -> None:
    rules = PasswordRules(min_length=4)
    assert password_problems("ABCD1234!", rules) == ["A senha deve conter letras minúsculas."]
    assert password_problems("abcd1234!", rules) == ["A senha deve conter letras maiúsculas."]
    assert password_problems("abcdEFGH!", rules) == ["A senha deve conter números."]
    assert password_problems("abcdEFGH1", rules) == ["A senha deve conter caracteres especiais."]


def test_min_length_minus_one_is_refused() -> None:
    rules = PasswordRules(
        min_length=12, require_upper=False, require_lower=False, require_digit=False, require_special=False
    )
    assert password_problems("x" * 11, rules) == ["A senha deve ter pelo menos 12 caracteres."]
    assert password_problems("x" * 12, rules) == []


@pytest.mark.parametrize(
    ("password", "level"),
    [
        ("abc", "fraca"),
        ("abcdefgh", "fraca"),
        ("abcdefg1", "fraca"),
        ("abcdEfg1", "normal"),
        ("abcdEfg1!", "forte"),
        ("abcdEfg1!x", "forte"),
        ("abcdEfg1!xyz99", "muito forte"),
    ],
)
def test_strength_levels(password: str, level: str) -> None:
    assert password_strength(password) == level
