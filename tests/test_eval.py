"""`monitor eval`: the labelled set holds the issue's floors, and the command reports and fails honestly."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from monitor.cli import cli

from .conftest import REPO

LABELLED = REPO / "tests" / "data" / "labelled_mentions.jsonl"
FRESH = REPO / "tests" / "data" / "fresh_mentions.jsonl"


def run_eval(*args):
    return CliRunner().invoke(cli, ["--config", str(REPO / "feeds.yaml"), "eval", *map(str, args)], env={})


def test_labelled_set_is_big_and_varied_enough():
    rows = [json.loads(line) for line in LABELLED.read_text().splitlines()[1:]]
    assert len(rows) >= 200
    assert sum("near-miss" in r["tags"] for r in rows) >= 30
    assert sum("tricky" in r["tags"] for r in rows) >= 50
    splits = [r["split"] for r in rows]
    assert 0.28 <= splits.count("holdout") / len(rows) <= 0.38


@pytest.mark.parametrize("split", ["tune", "holdout"])
def test_targets_hold_on_both_parts(split):
    result = run_eval(LABELLED, "--split", split, "--json", "--rules-only")
    report = json.loads(result.output)
    assert result.exit_code == 0, report["failed_targets"]
    assert report["mention"]["f1"] >= 0.98 and report["near_miss_false_positives"] == 0
    assert report["crisis_recall"] == 1.0 and report["alert_or_worse_recall"] >= 0.95
    assert report["info_raised_to_alert"] == 0
    assert report["family_precision"] >= 0.90 and report["family_recall"] >= 0.85


def test_matching_generalises_to_the_fresh_batch():
    """Only mention-finding is held here: category recall on unseen phrasing is the known gap (README)."""
    report = json.loads(run_eval(FRESH, "--json").output)
    assert report["mention"]["f1"] >= 0.98 and report["near_miss_false_positives"] == 0


def test_missed_target_exits_1_and_lists_every_miss_with_reasons(tmp_path):
    path = tmp_path / "mini.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in [
        {"header": {"targets": {"crisis_recall": 1.0}}},
        {"id": "a", "title": "", "body": "New Baby Network volunteers are lovely", "mention": True,
         "families": [], "severity": "crisis"},
        {"id": "b", "title": "", "body": "our new baby. Network Rail again", "mention": False, "families": [],
         "severity": None, "tags": ["near-miss"]},
    ]))
    result = run_eval(path, "--rules-only")
    assert result.exit_code == 1
    assert "TARGETS NOT MET: crisis_recall is 0.0, target at least 1.0" in result.output
    assert "a: CRISIS GRADED BELOW ALERT; severity info, labelled crisis" in result.output and "mentions us: New Baby Network" in result.output
    assert "near-misses     0 of 1 taken for mentions (0 per 20; 0 at alert or worse)" in result.output
    # an option overrides the file's target
    assert run_eval(path, "--rules-only", "--min-crisis-recall", "0").exit_code == 0


def test_eval_needs_no_secrets_and_reports_bad_lines(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"title": "x"}\n')
    result = run_eval(path)
    assert result.exit_code == 2 and "bad.jsonl:1: item lacks body, mention" in result.output


def test_every_text_labelled_not_about_us_counts_as_a_near_miss(tmp_path):
    """Not only the items tagged near-miss: namesakes, ordinary phrases and untagged ones too, split by tag."""
    path = tmp_path / "not-us.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in [
        {"id": "us", "body": "Lovely morning at the New Baby Network group, the volunteers are so kind", "mention": True,
         "families": [], "severity": "info"},
        {"id": "nm", "body": "our new baby. Network Rail again", "mention": False, "tags": ["near-miss"]},
        # our handle is strong evidence for us: the watch takes these two for us whatever else they say
        {"id": "ns1", "body": "The boutique's Instagram is @newbabynetwork: they stole my money, a total scam",
         "mention": False, "tags": ["namesake", "usa"]},
        {"id": "ns2", "body": "Network news: a new baby panda at the zoo", "mention": False, "tags": ["namesake"]},
        {"id": "op1", "body": "Follow @newbabynetwork for the cutest baby photos", "mention": False,
         "tags": ["ordinary-phrase"]},
        {"id": "op2", "body": "my new baby network of friends kept me going", "mention": False, "tags": ["ordinary_phrase"]},
        {"id": "x", "body": "Nothing about any charity here at all", "mention": False},
    ]))
    result = run_eval(path, "--rules-only", "--json")
    report = json.loads(result.output)
    assert report["near_misses"] == 6 and report["near_miss_false_positives"] == 2 == report["mention"]["fp"]
    assert report["near_miss_per_20"] == 6.67
    assert report["near_miss_kinds"] == {"namesake": {"taken": 1, "of": 2}, "ordinary phrase": {"taken": 1, "of": 2},
                                         "other": {"taken": 0, "of": 2}}
    assert report["near_miss_at_alert"] == 1  # the "scam" namesake would have reached a director
    text = run_eval(path, "--rules-only").output
    assert ("near-misses     2 of 6 taken for mentions (6.67 per 20; 1 at alert or worse): "
            "namesakes 1 of 2, ordinary phrases 1 of 2, others 0 of 2") in text
    held = run_eval(path, "--rules-only", "--max-near-miss-per-20", "1")
    assert held.exit_code == 1 and "near_miss_per_20 is 6.67, target at most 1.0" in held.output
    assert run_eval(path, "--rules-only", "--max-near-miss-per-20", "7").exit_code == 0


def test_without_kind_tags_the_near_misses_are_one_figure(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "body": "Thanks @newbabynetwork for the lovely cake", "mention": False},
        {"id": "b", "body": "Network Rail again", "mention": False, "tags": ["near-miss"]},
    ]))
    report = json.loads(run_eval(path, "--rules-only", "--json").output)
    assert (report["near_miss_false_positives"], report["near_misses"], report["near_miss_per_20"]) == (1, 2, 10.0)
    assert report["near_miss_kinds"] == {}
    assert "near-misses     1 of 2 taken for mentions (10 per 20; 0 at alert or worse)\n" in run_eval(path, "--rules-only").output


def test_eval_uses_a_files_own_places_and_says_so(tmp_path):
    """X.places.json beside X.jsonl: where the charity works in that file's world, used instead of feeds.yaml's
    places unless --profile-places; a broken one is refused with its name."""
    path = tmp_path / "wirral.jsonl"
    path.write_text(json.dumps({"id": "a", "body": "Went to the New Baby Network group in Birkenhead today",
                                "mention": True, "severity": "info", "families": []}) + "\n")
    (tmp_path / "wirral.places.json").write_text(json.dumps({"area": "Wirral", "places": ["Birkenhead", "Wallasey"]}))
    out = run_eval(path).output
    assert f"our places      Birkenhead, Wallasey, Wirral (from {tmp_path / 'wirral.places.json'}, not feeds.yaml)" in out
    out = run_eval(path, "--profile-places").output
    assert "our places      Southvale, Eastfield, Northgate (feeds.yaml's profile)" in out
    report = json.loads(run_eval(path, "--json").output)
    assert report["places"].startswith("Birkenhead, Wallasey, Wirral")
    (tmp_path / "wirral.places.json").write_text("{not json")
    result = run_eval(path)
    assert result.exit_code == 2 and "wirral.places.json: not valid JSON" in result.output
