"""What every notebook's check tests assert about a verdict printed by ``check.qN(...)``."""


def verdict(question, answer, capsys):
    """Run ``question(answer)`` and return what it printed."""
    question(answer)
    return capsys.readouterr().out


def assert_wrong_with_hint(question, answer, message, capsys):
    """A wrong answer prints "❌ qN not yet:", the specific message, and the hint."""
    printed = verdict(question, answer, capsys)
    assert printed.startswith(f"❌ {question.name} not yet:"), printed
    assert message in printed, printed
    assert f"Hint: {question.hint_text}" in printed
