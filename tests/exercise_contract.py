"""The contract every exercise checker keeps, as tests a chapter's test module reuses:

* a correct answer passes and prints a confirmation;
* a plausible wrong answer raises ExerciseError whose message matches the given regular
  expression (`pytest.raises(match=...)`; wrap literal text with `re.escape` if it has
  `(`, `|`, `*` or other special characters);
* the blank stub (a function raising NotImplementedError) reports "not done yet" and does not raise.

Usage, in tests/test_exercises_<chapter>.py:

    CASES = {"name": (checker, correct_function, wrong_function, r"regex for the message"), ...}
    test_correct, test_wrong, test_stub = checker_contract(CASES)
"""

import pytest

from lecturelib.exercises import ExerciseError


def stub(*args, **kwargs):
    raise NotImplementedError()


def checker_contract(cases):
    checkers = list(dict.fromkeys(checker for checker, *_ in cases.values()))

    @pytest.mark.parametrize("case", sorted(cases))
    def test_correct_answer_passes(case, capsys):
        checker, correct, _, _ = cases[case]
        assert checker(correct)
        assert "✅" in capsys.readouterr().out

    @pytest.mark.parametrize("case", sorted(cases))
    def test_wrong_answer_fails_with_a_helpful_message(case):
        checker, _, wrong, words = cases[case]
        with pytest.raises(ExerciseError, match=words):
            checker(wrong)

    @pytest.mark.parametrize("checker", checkers, ids=lambda c: c.__name__)
    def test_blank_stub_reports_not_done_without_raising(checker, capsys):
        assert not checker(stub)
        assert "not done yet" in capsys.readouterr().out

    return (test_correct_answer_passes, test_wrong_answer_fails_with_a_helpful_message,
            test_blank_stub_reports_not_done_without_raising)
