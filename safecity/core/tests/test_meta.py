"""Every model with generic pages must have a test class inheriting the shared scoped-model tests."""

import importlib
import pkgutil

import safecity
from safecity.core.testing import ScopedModelTests
from safecity.core.views import ObjectViews


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_registered_model_has_a_scoped_model_test_class():
    for module in pkgutil.walk_packages(safecity.__path__, "safecity."):
        is_test = ".tests." in module.name and module.name.rsplit(".", 1)[-1].startswith("test_")
        if is_test or module.name.endswith(".views"):
            importlib.import_module(module.name)
    tested = {getattr(cls, "views", None) for cls in _all_subclasses(ScopedModelTests)}
    missing = [bundle.model._meta.label for bundle in ObjectViews.registry if bundle not in tested]
    assert ObjectViews.registry, "no ObjectViews bundles found"
    assert not missing, f"models without a ScopedModelTests test class: {missing}"
