"""Every setting of the service is documented in the README's configuration table."""

from __future__ import annotations

import pytest

from kg.config import PROJECT_ROOT, Settings

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_setting_is_in_the_readme(name: str) -> None:
    variable = f"KG_{name.upper()}"
    assert f"`{variable}`" in README, f"{variable} is missing from README.md's configuration table"


def test_unsafe_network_cannot_switch_the_guard_off() -> None:
    with pytest.raises(ValueError, match="KG_SPARQL_GUARD=false needs the network sandbox"):
        Settings(unsafe_network=True, sparql_guard=False)
