"""Config loading and validation: paper values, presets, overrides, errors (exit code 2)."""

import math

import pytest

from coopsat.constellation.resources import data_path
from coopsat.experiments import build_config, config_from_json, load_config, parse_override
from coopsat.experiments.cli import main
from coopsat.experiments.core.design import max_satellites
from coopsat.experiments.errors import ConfigError


def test_paper_toml_states_table_i_and_section_v():
    c = load_config(data_path("paper.toml"))
    assert (c.drop.n_satellites, c.drop.n_users) == (5, 48)
    assert (c.channel.nv, c.channel.nh) == (10, 10)
    assert c.sweep.p_tx_dbm == (20.0, 25.0, 30.0, 35.0, 40.0, 45.0, 50.0)
    assert c.channel.zeta2 == 0.5
    assert (c.precoding.max_iter, c.precoding.tol) == (10, 1e-3)
    assert (c.drop.radius_m, c.constellation.walker.altitude_m) == (800e3, 600e3)
    assert c.constellation.walker.inclination_deg == 53.0
    walker = c.constellation.walker
    assert (walker.n_planes, walker.total_satellites) == (28, 28 * 60)
    lb = c.channel.link_budget
    assert (lb.carrier_hz, lb.subcarrier_spacing_hz) == (2e9, 30e3)
    assert (lb.noise_figure_db, lb.antenna_temperature_k) == (7.0, 290.0)
    assert (lb.tx_element_gain_dbi, lb.rx_gain_dbi) == (6.0, 0.0)
    assert c.channel.kappa_db is None  # the scenario's K-factor model, except in Fig. 4
    assert len(c.precoding.schemes) == 5


def test_code_defaults_equal_paper_toml():
    assert build_config({}).hash() == load_config(data_path("paper.toml")).hash()


def test_fig4_preset_follows_the_caption():
    c = load_config(None, presets=("fig4",))
    assert c.channel.kappa_db == 25.0
    assert c.sweep.p_tx_dbm == (35.0,)
    assert len(c.sweep.zeta2) > 2 and 0.5 in c.sweep.zeta2


def test_fig5_and_fig6_presets_follow_the_captions():
    c5 = load_config(None, presets=("fig5",))
    assert c5.run.kind == "convergence" and c5.sweep.p_tx_dbm == (35.0,)
    assert c5.precoding.schemes == ("ms-jowmmse", "ms-jomwmmse")
    c6 = load_config(None, presets=("fig6",))
    assert c6.sweep.n_satellites[0] == 1 and len(c6.sweep.n_satellites) >= 6
    assert max_satellites(c6) == max(c6.sweep.n_satellites)


def test_unknown_key_names_it_and_suggests_the_close_one():
    with pytest.raises(ConfigError, match=r"channel\.zeta'.*did you mean 'channel\.zeta2'"):
        build_config({"channel.zeta": 0.5})


def test_unknown_section_lists_the_known_ones():
    with pytest.raises(ConfigError, match=r"unknown config section 'chanel'.*channel"):
        build_config({"chanel.zeta2": 0.5})


@pytest.mark.parametrize(
    ("key", "value", "allowed"),
    [
        ("channel.zeta2", -0.1, "0 <= zeta2"),
        ("drop.n_satellites", 0, "1 <= n_satellites"),
        ("sweep.p_tx_dbm", [20.0, 120.0], "each <= 80 dBm"),
        ("precoding.schemes", ["ms-jomwmmse", "zf"], "distinct names from"),
        ("run.kind", "swep", "one of"),
        ("channel.kappa_db", math.nan, "-50 <= kappa_db <= 100 dB"),
        ("channel.carrier_hz", 0.0, "1e+08 <= carrier_hz <= 1e+11 Hz"),
        ("delay.threshold_max_s", 1e-8, "threshold_max_s > threshold_min_s"),
        ("run.name", "..", "not '.' or '..'"),
        ("run.name", "a/b", "a plain file name"),
    ],
)
def test_out_of_range_value_names_key_value_and_range(key, value, allowed):
    with pytest.raises(ConfigError) as err:
        build_config({key: value})
    assert key in str(err.value) and allowed in str(err.value)


def test_wrong_type_is_an_error_not_a_coercion():
    with pytest.raises(ConfigError, match=r"run\.drops = 'ten' has the wrong type"):
        build_config({"run.drops": "ten"})
    with pytest.raises(ConfigError, match=r"channel\.scintillation"):
        build_config({"channel.scintillation": 1})


def test_walker_consistency_is_checked():
    with pytest.raises(ConfigError, match="n_planes = 29 does not divide total_satellites"):
        build_config({"constellation.walker.n_planes": 29})


def test_override_values_are_parsed_as_toml():
    assert parse_override("channel.zeta2=1") == ("channel.zeta2", 1)
    assert parse_override("sweep.p_tx_dbm=[30, 40.5]") == ("sweep.p_tx_dbm", [30, 40.5])
    assert parse_override("channel.scenario=rural") == ("channel.scenario", "rural")
    assert parse_override("channel.kappa_db=none") == ("channel.kappa_db", "none")
    c = build_config(dict([parse_override("channel.kappa_db=none")]))
    assert c.channel.kappa_db is None
    with pytest.raises(ConfigError, match=r"section\.key=value"):
        parse_override("zeta2")
    # a text key keeps the text where TOML would read a number or a date
    assert parse_override("run.name=123") == ("run.name", "123")
    assert parse_override('run.name="x y"') == ("run.name", "x y")
    assert parse_override("constellation.epoch_utc=2025-03-01") == (
        "constellation.epoch_utc", "2025-03-01")
    assert build_config(dict([parse_override("run.name=123")])).run.name == "123"


def test_hash_tracks_content_and_json_round_trips():
    a = build_config({"channel.zeta2": 0.5})
    b = build_config({"channel.zeta2": 0.7})
    assert a.hash() == build_config({}).hash() != b.hash()
    assert config_from_json(b.to_json()) == b


def test_missing_preset_lists_the_available_ones():
    with pytest.raises(ConfigError, match=r"preset 'fig9'.*fig2, fig3"):
        load_config(None, presets=("fig9",))


@pytest.mark.parametrize(
    "argv",
    [
        ["fig3", "--set", "channel.zeta=0.5"],
        ["fig3", "--set", "channel.zeta2=-1"],
        ["fig3", "--set", "sweep.p_tx_dbm=[20, 200]"],
        ["fig4", "--set", "run.kind=swep"],
    ],
)
def test_cli_config_errors_exit_2_and_write_nothing(argv, tmp_path, capsys):
    out = tmp_path / "run"
    assert main([*argv, "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "coopsat: error: " in err and argv[-1].split("=")[0] in err
    assert not out.exists()


def test_cli_bad_option_value_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fig3", "--drops", "0", "--out", str(tmp_path / "r")])
    assert exc.value.code == 2
    assert "--drops" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()


def test_cli_missing_config_file_exits_2(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope.toml"), "--out", str(tmp_path / "r")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_version_prints_the_installed_package_version(capsys):
    from importlib import metadata

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out == f"coopsat {metadata.version('coopsat')}\n"


def test_main_reuses_one_parser_and_build_parser_gives_a_new_one(monkeypatch, capsys):
    from coopsat.experiments import cli

    real, calls = cli.build_parser, []

    def counted():
        calls.append(1)
        return real()

    monkeypatch.setattr(cli, "build_parser", counted)
    cli._shared_parser.cache_clear()
    try:
        for _ in range(3):
            with pytest.raises(SystemExit):
                main(["--version"])
    finally:
        cli._shared_parser.cache_clear()  # later tests build their own from the real function
    assert len(calls) == 1
    assert real() is not real()


@pytest.mark.parametrize(
    "command", [None, "run", "fig2", "fig3", "fig4", "fig5", "fig6", "timeline", "plot"]
)
def test_help_of_every_subcommand(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"] if command else ["--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    if command is None:
        for name in ("run", "fig2", "fig3", "fig4", "fig5", "fig6", "timeline", "plot"):
            assert f"    {name}" in text
    elif command != "plot":
        for option in (
            "--drops",
            "--workers",
            "--seed",
            "--set",
            "--resume",
            "--scheduler",
            "--quick",
            "--out",
        ):
            assert option in text


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("constellation.n_satellites", "constellation.walker.total_satellites"),
        ("constellation.n_planes", "constellation.walker.n_planes"),
        ("constellation.inclination_deg", "constellation.walker.inclination_deg"),
        ("constellation.tle_path", "constellation.tle.path"),
        ("constellation.max_element_age_days", "constellation.tle.max_element_age_days"),
    ],
)
def test_a_renamed_key_is_a_one_line_error_naming_its_new_name(old, new, tmp_path, capsys):
    with pytest.raises(ConfigError, match=f"{old} was renamed {new}"):
        build_config({old: 1})
    out = tmp_path / "out"
    assert main(["fig3", "--quick", "--out", str(out), "--set", f"{old}=1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and new in err[0]
    assert not out.exists()


def test_a_section_holds_only_its_sources_keys():
    """A TLE source has no planes: the section and the stored config carry only its keys."""
    walker = build_config({})
    assert walker.constellation.walker.total_satellites == 1680
    assert walker.constellation.tle is None
    tle = build_config({"constellation.source": "tle",
                        "constellation.tle.path": "tle/walker_53deg_1680_28_1_600km.tle"},
                       cross_checks=False)
    assert tle.constellation.walker is None and tle.constellation.tle.path.endswith(".tle")
    stored = tle.to_dict()["constellation"]
    assert not any(k.startswith("walker.") for k in stored)
    assert {"tle.path", "tle.sha256", "tle.max_element_age_days"} <= set(stored)
    assert "walker.total_satellites" in walker.to_dict()["constellation"]
    assert config_from_json(tle.to_json()) == tle  # stored and rebuilt alike
    with pytest.raises(KeyError, match="no config section 'chanel'"):
        walker.section("chanel")


def test_a_run_name_of_exactly_100_characters_is_accepted_and_101_refused():
    name = "r" * 99 + "."  # every allowed kind of character at the boundary length
    assert build_config({"run.name": name}).run.name == name
    with pytest.raises(ConfigError, match=r"run\.name = 'r{100}\.'.*a plain file name of at "
                                          r"most 100 letters"):
        build_config({"run.name": "r" + name})


# --- Element age of a TLE source over the drop epochs -------------------------------------------

TLE_EPOCH = "2020-05-07T12:00:00Z"  # day 128.5 of 2020: exact in the TLE text


@pytest.fixture(scope="module")
def tle_at_noon(tmp_path_factory):
    """A small shell written as TLEs whose sets all have the epoch TLE_EPOCH."""
    from coopsat.constellation import WalkerDelta, write_tle

    path = tmp_path_factory.mktemp("tle") / "noon.tle"
    write_tle(WalkerDelta(total_satellites=4, n_planes=2, epoch_utc=TLE_EPOCH).build(), path)
    return str(path)


def _tle_config(path: str, epoch_utc: str, spread_s: float, max_age_days: float):
    return load_config(data_path("tiny.toml"), overrides={
        "constellation.source": "tle", "constellation.tle.path": path,
        "constellation.epoch_utc": epoch_utc, "drop.epoch_spread_s": spread_s,
        "constellation.tle.max_element_age_days": max_age_days})


@pytest.mark.parametrize(
    ("epoch_utc", "spread_s"),
    [
        ("2020-05-08T12:00:00Z", 0.0),  # the start exactly one day after the sets' epoch
        ("2020-05-06T12:00:00Z", 0.0),  # one day before it (ages are absolute)
        (TLE_EPOCH, 86_400.0),  # fresh start, the spread's end exactly one day later
        ("2020-05-06T12:00:00Z", 172_800.0),  # both ends exactly one day away
    ],
)
def test_tle_sets_exactly_max_element_age_days_old_are_accepted(tle_at_noon, epoch_utc,
                                                                 spread_s):
    config = _tle_config(tle_at_noon, epoch_utc, spread_s, max_age_days=1.0)
    assert config.constellation.epoch_utc == epoch_utc
    assert config.drop.epoch_spread_s == spread_s


@pytest.mark.parametrize(
    ("epoch_utc", "spread_s", "days"),
    [
        ("2020-05-08T12:00:01Z", 0.0, "1.0"),  # one second past the limit at the start
        (TLE_EPOCH, 86_401.0, "1.0"),  # a fresh start whose spread ends one second past it
        ("2020-05-06T11:59:59Z", 86_401.0, "1.0"),  # a stale start whose spread ends fresh
        (TLE_EPOCH, 3 * 86_400.0, "3.0"),  # the end alone is stale, by two days
    ],
)
def test_drop_epochs_past_max_element_age_days_are_refused_at_load(tle_at_noon, epoch_utc,
                                                                   spread_s, days):
    with pytest.raises(ConfigError, match=(
            rf"constellation\.epoch_utc = '{epoch_utc}' is {days} days from the oldest TLE set "
            r"of '.*noon\.tle'; allowed: a time within "
            r"constellation\.tle\.max_element_age_days = 1 days of every set's epoch")):
        _tle_config(tle_at_noon, epoch_utc, spread_s, max_age_days=1.0)
