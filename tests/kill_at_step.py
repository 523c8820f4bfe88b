"""Run `blogqa ingest SOURCE --index DIR`, SIGKILLing itself at one named step of the generation switch.

    python tests/kill_at_step.py STEP SOURCE DIR

Steps, in the order an ingest meets them:
    written         the new generation's files are complete in gen-N.tmp/, not yet renamed
    renamed         gen-N.tmp/ has been renamed to gen-N/, CURRENT still names the old one
    current-tmp     CURRENT.tmp holds the new name, CURRENT not yet replaced
    switched        CURRENT names gen-N, old generations not yet removed
    pruning         the first old generation is being removed
The hooks wrap the real functions; nothing in blogqa knows about them.
"""
import os
import signal
import sys

from blogqa.index import embedded, generations

STEPS = ("written", "renamed", "current-tmp", "switched", "pruning")


def die():
    os.kill(os.getpid(), signal.SIGKILL)


def install(step: str) -> None:
    real_replace, real_finish, real_remove = os.replace, embedded._finish_generation, generations.remove_tree

    def replace(src, dst):
        name = os.path.basename(os.fspath(dst))
        if step == "current-tmp" and name == "CURRENT":
            die()
        real_replace(src, dst)
        if (step == "renamed" and name.startswith("gen-")) or (step == "switched" and name == "CURRENT"):
            die()

    def finish(*args, **kwargs):
        real_finish(*args, **kwargs)
        if step == "written":
            die()

    def remove(path):
        if step == "pruning" and not os.path.basename(os.fspath(path)).endswith(".tmp"):
            die()
        real_remove(path)

    os.replace = replace  # the one os module: embedded renames gen-N, generations replaces CURRENT
    embedded._finish_generation = finish
    generations.remove_tree = remove
    embedded.RETIRED_GRACE_S = 0.0  # so the pruning step is reached on the third generation


if __name__ == "__main__":
    step, source, index = sys.argv[1:4]
    assert step in STEPS, step
    install(step)
    from blogqa.cli import main

    sys.exit(main(["ingest", source, "--index", index, "-q"]))
