"""README.md's command list is generated from the CLI (annotator/cli/commands_doc.py)."""

from annotator.cli import commands_doc


def test_the_readme_command_list_is_current():
    text = commands_doc.README.read_text(encoding="utf-8")
    assert commands_doc.render(text) == text, "README.md is stale: run python -m annotator.cli.commands_doc"


def test_a_stale_list_is_found():
    text = commands_doc.README.read_text(encoding="utf-8")
    stale = text.replace("[--max-epochs MAX-EPOCHS]", "", 1)
    assert stale != text and commands_doc.render(stale) != stale


def test_train_and_learn_share_their_options():
    """The six training options are declared once (cli/options.py): both commands show them alike."""
    lines = {line.split()[1]: line for line in commands_doc.render_commands().splitlines() if line.startswith("annotator ")}
    shared = ("[--schema SCHEMA]", "[--base BASE]", "[--annotator ANNOTATOR]", "[--gold]", "[--seed SEED]",
              "[--max-epochs MAX-EPOCHS]")
    assert all(option in lines["train"] and option in lines["learn"] for option in shared)
