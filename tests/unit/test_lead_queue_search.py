"""How the lead queue's search text becomes LIKE patterns (no database)."""

from registrar.adapters.lead_queue_store import like_prefix, search_alternatives


def test_a_prefix_pattern_ends_with_one_wildcard():
    assert like_prefix("Lov") == "Lov%"


def test_percent_and_underscore_are_escaped():
    assert like_prefix("10%_a") == "10!%!_a%"


def test_the_escape_character_itself_is_escaped():
    assert like_prefix("x!y") == "x!!y%"


def test_quotes_and_backslashes_pass_through_as_data():
    assert like_prefix("O'B\\") == "O'B\\%"


def test_one_word_is_tried_on_first_name_last_name_and_email():
    assert search_alternatives("ada") == [
        (("student_first_name", "ada%"),),
        (("student_last_name", "ada%"),),
        (("guardian_email", "ada%"),),
    ]


def test_several_words_are_a_first_name_and_a_last_name_in_either_order():
    assert search_alternatives("Ada  van Love") == [
        (("student_first_name", "Ada%"), ("student_last_name", "van Love%")),
        (("student_last_name", "Ada%"), ("student_first_name", "van Love%")),
    ]
