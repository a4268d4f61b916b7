"""Command line: parses arguments, wires sources -> engine -> report, nothing more.

Imports of heavy modules (huggingface_hub, jinja2, cyclonedx, rich) stay inside the
commands so `licscan --version` and a warm pre-commit check stay instant.
"""

from __future__ import annotations

import sys

import click

from licscan import __version__

EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3
USE_CHOICES = ("commercial", "research", "distillation", "redistribution", "fine-tuning")
FORMAT_CHOICES = ("text", "json", "cyclonedx", "sarif", "markdown", "html")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="licscan")
def main() -> None:
    """licscan: may we use this model for what we intend? Answered with evidence."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def classify(files: tuple[str, ...], fmt: str) -> None:
    """Say what license each FILE is: identity, category and clause flags."""
    from licscan.engine.classify import classify_path
    from licscan.report.classify import render_classifications

    results = [classify_path(f) for f in files]
    click.echo(render_classifications(results, fmt), nl=False)
    if any(r.error for r in results):
        sys.exit(EXIT_ERROR)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def licenses(fmt: str) -> None:
    """List the license knowledge base."""
    from licscan.report.knowledge import render_license_list

    click.echo(render_license_list(fmt), nl=False)


@main.command()
@click.argument("subject")
@click.option("--use", "uses", multiple=True, type=click.Choice(USE_CHOICES))
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False))
@click.option("--offline", is_flag=True, help="Use only the local caches.")
def explain(subject: str, uses: tuple[str, ...], policy_file: str | None, offline: bool) -> None:
    """Explain a license KEY (category, flags, why) or a MODEL (the reasoning chain)."""
    from licscan.knowledge import load_knowledge

    kb = load_knowledge()
    entry = kb.lookup(subject)
    if entry is not None:
        from licscan.report.knowledge import render_license_explanation

        click.echo(render_license_explanation(entry), nl=False)
        return
    from licscan.engine.explain import explain_model

    code, text = explain_model(subject, list(uses), policy_file, offline)
    click.echo(text, nl=False)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
