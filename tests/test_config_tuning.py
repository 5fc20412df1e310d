import pytest

from utils import config, tuning


def test_fast_mode_and_mode_helpers(monkeypatch):
    monkeypatch.setenv("WORKSHOP_FAST", "1")
    assert config.fast_mode() and config.epochs(full=50, fast=2) == 2
    assert config.samples(full=None, fast=100) == 100 and config.fit_verbose() == 0
    monkeypatch.setenv("WORKSHOP_FAST", "0")
    assert not config.fast_mode() and config.epochs(full=50, fast=2) == 50
    assert config.samples(full=None, fast=100) is None
    monkeypatch.setenv("WORKSHOP_FAST", "yes please")
    with pytest.raises(ValueError, match="Expected WORKSHOP_FAST to be 0 or 1"):
        config.fast_mode()


def test_mode_helper_errors():
    with pytest.raises(ValueError, match=r"Expected `full` as an int >= 1\. Received: full=0"):
        config.epochs(full=0, fast=1)
    with pytest.raises(ValueError, match=r"Expected `fast` as an int >= 1 or None\. Received: fast=-1"):
        config.samples(full=10, fast=-1)
    with pytest.raises(ValueError, match="Expected `seed`"):
        config.setup(seed="42")
    with pytest.raises(ValueError, match="Expected `seed` as an int >= 0"):
        config.setup(seed=-1)
    with pytest.raises(TypeError, match="Expected `name` as a str"):
        config.headline(3, 0.5)
    with pytest.raises(ValueError, match="Expected a non-empty `name`"):
        config.headline(" ", 0.5)


def test_environment_report_names_versions_and_data_source():
    lines, problems = config.environment_report()
    text = "\n".join(lines)
    for expected in (
        "Python",
        "Keras",
        "backend",
        "Devices",
        "MNIST source",
        "Keras cache",
    ):
        assert expected in text
    assert isinstance(problems, list)


def test_headline_format(capsys):
    config.headline("bit errors", 0, "0 in the course")
    assert (
        capsys.readouterr().out
        == "HEADLINE: bit errors = 0 (reference: 0 in the course)\n"
    )


def test_comparison_table(capsys):
    table = tuning.ComparisonTable(lambda size=1, rate=0.1: {"loss": size * rate})
    assert table.run(size=3) == {"loss": pytest.approx(0.3)}
    table.run(size=2, rate=0.5)
    lines = table.as_text().splitlines()
    assert lines[0].split() == ["size", "rate", "loss", "seconds"] and len(lines) == 3
    with pytest.raises(
        ValueError, match=r"Expected parameters among \['size', 'rate'\]"
    ):
        table.run(depth=3)
    with pytest.raises(ValueError, match="Expected `experiment` to be a function"):
        tuning.ComparisonTable(42)
    bad = tuning.ComparisonTable(lambda: 1.0)
    with pytest.raises(ValueError, match="return a dict"):
        bad.run()
