"""The default run's hypothesis examples: 40 a property (``--hypothesis-profile=default`` for 100;
volume is the marked fuzz run's, ``pytest -m fuzz``), so the whole suite stays near 3 minutes."""

from hypothesis import settings

settings.register_profile("suite", max_examples=40)
settings.load_profile("suite")
