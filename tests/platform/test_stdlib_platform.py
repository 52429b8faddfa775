"""platform/ is a source root, never a package: the standard library's `platform` must win."""

import platform
import sys


def test_stdlib_platform_module_is_importable_inside_django() -> None:
    import django
    from django.conf import settings

    assert settings.configured
    assert django.VERSION[:2] == (5, 2)
    assert platform.python_version() == ".".join(map(str, sys.version_info[:3]))
    assert platform.__file__ is not None and "/platform/" not in platform.__file__.replace("\\", "/")


def test_saas_package_lives_under_the_platform_source_root() -> None:
    import saas

    assert saas.__file__ is not None
    assert saas.__file__.replace("\\", "/").endswith("platform/saas/__init__.py")
