"""A waiting page never goes quiet for minutes (issue 25): 20 attendees on an empty cache all gave
up after two minutes without a message, while each page waited, all cards in, for the test
curves still being scored, or for a job still queued. Every such line now changes as time passes."""
import time

from lib.image.ways import FINETUNED as FINETUNE, SCRATCH
from ui import live


def test_a_queued_job_says_how_long_it_has_waited_and_a_running_one_says_what_it_does():
    since = time.monotonic() - 12
    assert live._waited(live.WAITING, since) == ("Waiting for a free worker (10 s so far)", 0.0)
    assert live._waited(("Epoch 3 of 30", 0.1), since) == ("Epoch 3 of 30", 0.1)


def test_once_every_card_is_in_the_page_says_which_curves_it_still_scores():
    said = live._scoring([SCRATCH, FINETUNE], {"scratch": object(), "finetune": None}, 7.5)
    assert "Fine-tuned" in said and "From scratch" not in said and "(5 s so far)" in said
    assert live._scoring([FINETUNE], {"finetune": None}, 12) != said
