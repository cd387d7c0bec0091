"""The mechanisms the report families share, on inputs written out by hand: time plans,
values with units, trend arrows, symbol colours and legends, ruled grids."""
from __future__ import annotations

import datetime as dt

import pytest

from malrapport.extract.dates import end_of_period
from malrapport.extract.grids import fill_grid, grid_skeletons
from malrapport.extract.layout import Line
from malrapport.extract.measures import split_unit_from_name, split_value, trend_of
from malrapport.extract.profile_load import builtin
from malrapport.extract.symbols import Legend, colour_name, read_legend, symbol_key
from malrapport.schemas.words import Mark, Rule, Word


@pytest.mark.parametrize("printed,end", [
    ("2017-06-30", dt.date(2017, 6, 30)),
    ("juni 2017", dt.date(2017, 6, 30)),
    ("Juni 2017", dt.date(2017, 6, 30)),
    ("februari 2020", dt.date(2020, 2, 29)),
    ("Q3 2017", dt.date(2017, 9, 30)),
    ("Q1 2018", dt.date(2018, 3, 31)),
    ("vt 2018", dt.date(2018, 6, 30)),
    ("VT 2018", dt.date(2018, 6, 30)),
    ("ht 2017", dt.date(2017, 12, 31)),
    ("hösten 2019", dt.date(2019, 12, 31)),
    ("2017", dt.date(2017, 12, 31)),
    ("2017–2018", dt.date(2018, 12, 31)),
    ("15 maj 2019", dt.date(2019, 5, 15)),
    ("december 2019", dt.date(2019, 12, 31)),
    ("Löpande", None),
    ("Kontinuerligt", None),
    ("snart", None),
    ("", None),
])
def test_a_time_plan_ends_on_the_last_day_of_what_is_printed(printed, end):
    assert end_of_period(printed) == end


@pytest.mark.parametrize("printed,value,unit", [
    ("2,0 %", "2,0", "%"), ("45 %", "45", "%"), ("-12,5 mnkr", "-12,5", "mnkr"),
    ("7,5", "7,5", None), ("61 400", "61 400", None), ("", None, None), (None, None, None),
])
def test_a_value_keeps_its_printed_form_without_its_unit(printed, value, unit):
    assert split_value(printed) == (value, unit)


def test_a_unit_in_brackets_after_the_name():
    assert split_unit_from_name("Sjukfrånvaro, procentandel (%)") == ("Sjukfrånvaro, procentandel", "%")
    assert split_unit_from_name("Väntetid till första samtal (dagar)") == ("Väntetid till första samtal", "dagar")
    assert split_unit_from_name("Antal besök") == ("Antal besök", None)


@pytest.mark.parametrize("printed,trend", [("↑", "up"), ("↗", "up"), ("→", "flat"), ("↘", "down"),
                                           ("↓", "down"), ("", None), ("ökar", None)])
def test_trend_arrows(printed, trend):
    assert trend_of(printed) == trend


@pytest.mark.parametrize("rgb,name", [
    ((58, 155, 72), "green"), ((244, 194, 13), "yellow"), ((215, 50, 44), "red"),
    ((166, 166, 166), "grey"), ((250, 250, 250), "white"), ((245, 140, 40), "orange"),
    ((41, 112, 189), "blue"),
])
def test_colour_names(rgb, name):
    assert colour_name(rgb) == name


def _line(y: float, cells: list[tuple[float, str]], page: int = 1, size: float = 10.0) -> Line:
    words = []
    for x, text in cells:
        for token in text.split():
            w = 0.5 * size * len(token)
            words.append(Word(token, x, y, x + w, y + size * 1.15, size=size))
            x += w + 0.28 * size
    return Line(tuple(words), page)


def test_a_legend_of_one_glyph_in_four_colours_maps_each_colour():
    profile = builtin("arsredovisning")
    colours = {"uppfyllt": (46, 158, 79), "delvis_uppfyllt": (242, 194, 48),
               "ej_uppfyllt": (210, 52, 44), "saknas": (170, 170, 170)}
    phrases = {"uppfyllt": "Målet är uppfyllt", "delvis_uppfyllt": "Målet är delvis uppfyllt",
               "ej_uppfyllt": "Målet är inte uppfyllt", "saknas": "Målet har inte kunnat bedömas"}
    cells, marks, x = [], [], 60.0
    for key, phrase in phrases.items():
        marks.append(Mark(x, 100, x + 8, 108, "glyph", colour=colours[key], char="●", font="Carlito"))
        cells.append((x + 10, phrase))
        x += 130
    legend = read_legend([[_line(99, cells)]], {1: tuple(marks)}, profile)
    assert len(legend.entries) == 4
    for key, rgb in colours.items():
        table_mark = Mark(300, 300, 308, 308, "glyph", colour=tuple(c + 3 for c in rgb), char="●",
                          font="Carlito")
        assert symbol_key(table_mark, legend, profile)[0] == key


def test_wingdings_letters_without_a_legend():
    profile = builtin("arsredovisning")
    faces = {"J": "uppfyllt", "K": "delvis_uppfyllt", "L": "ej_uppfyllt"}
    for char, key in faces.items():
        mark = Mark(0, 0, 10, 10, "glyph", colour=(0, 0, 0), char=char, font="Wingdings-Regular")
        assert symbol_key(mark, Legend(), profile)[0] == key


def test_a_circle_without_a_legend_goes_by_its_colour():
    profile = builtin("tertial")
    mark = Mark(0, 0, 8, 8, "shape", colour=(215, 50, 44), shape="round")
    assert symbol_key(mark, Legend(), profile)[0] == "ej_uppfyllt"


def test_a_bordered_table_gives_cells_however_the_text_wraps():
    """Three columns, a header and two rows; the second row's cells wrap to different heights."""
    xs, ys = (50, 200, 300, 500), (100, 115, 150, 200)
    rules = [Rule(xs[0], y, xs[-1], y + 0.5) for y in ys] + [Rule(x, ys[0], x + 0.5, ys[-1]) for x in xs]
    lines = [
        _line(102, [(52, "Åtgärd"), (202, "Ansvar"), (302, "Kommentar")]),
        _line(118, [(52, "Införa tidiga insatser"), (202, "HR"), (302, "Rutinen gäller sedan maj.")]),
        _line(130, [(52, "vid frånvaro")]),
        _line(153, [(52, "Utbilda chefer"), (202, "HR-chef"), (302, "38 av 41 har gått")]),
        _line(165, [(302, "utbildningen och de tre som")]),
        _line(177, [(302, "återstår går i vår.")]),
        _line(210, [(52, "Måluppfyllelse: Uppnått")]),  # under the table: not the grid's
    ]
    (skeleton,) = grid_skeletons(rules)
    grid = fill_grid(skeleton, lines, 1)
    cells = [[c.text for c in band.cells] for band in grid.bands]
    assert cells == [["Åtgärd", "Ansvar", "Kommentar"],
                     ["Införa tidiga insatser vid frånvaro", "HR", "Rutinen gäller sedan maj."],
                     ["Utbilda chefer", "HR-chef", "38 av 41 har gått utbildningen och de tre som återstår går i vår."]]
    assert id(lines[-1]) not in grid.line_ids


def test_two_bordered_tables_one_under_the_other_stay_apart():
    """The text between two tables of one width is in neither (no border crosses it)."""
    rules = []
    for top in (100, 300):
        ys = (top, top + 15, top + 60)
        rules += [Rule(50, y, 500, y + 0.5) for y in ys] + [Rule(x, top, x + 0.5, top + 60) for x in (50, 250, 500)]
    skeletons = grid_skeletons(rules)
    assert [(s.ys[0], s.ys[-1]) for s in skeletons] == [(100.25, 160.25), (300.25, 360.25)]
