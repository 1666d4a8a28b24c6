"""Bad input at the command line, table-driven: every case exits with code 2, prints one line
naming the key, option or file and what is allowed, prints no traceback, and writes nothing
(neither the run directory nor a results/ folder in the working directory)."""

from __future__ import annotations

import pytest

from coopsat.constellation.resources import data_path
from coopsat.experiments.cli import main

TINY = str(data_path("tiny.toml"))
SAMPLE_TLE = "tle/celestrak_starlink_2020-05-07_sample.tle"

# (study, extra arguments, a fragment the error line must contain)
CASES = [
    ("fig3", ["--set", "channel.zeta=0.5"], "did you mean 'channel.zeta2'"),
    ("fig3", ["--set", "chanel.zeta2=1"], "unknown config section 'chanel'"),
    ("fig3", ["--set", "zeta2"], "--set expects section.key=value"),
    ("fig3", ["--set", "channel.zeta2=-1"], "channel.zeta2 = -1 is out of range"),
    ("fig3", ["--set", "channel.zeta2=nan"], "channel.zeta2 = nan"),
    ("fig3", ["--set", "channel.nv=0"], "channel.nv = 0"),
    ("fig3", ["--set", "channel.nv=2.5"], "channel.nv = 2.5 has the wrong type"),
    ("fig3", ["--set", "channel.nh=300"], "1 <= nh <= 256"),
    ("fig3", ["--set", "channel.scenario=mars"], "'urban_los_quadriga'"),
    ("fig3", ["--set", "channel.band=x"], "channel.band = 'x'"),
    ("fig3", ["--set", "channel.kappa_db=200"], "channel.kappa_db = 200"),
    ("fig3", ["--set", "channel.carrier_hz=0"], "channel.carrier_hz = 0"),
    ("fig3", ["--set", "channel.bandwidth_hz=10"], "channel.bandwidth_hz = 10"),
    ("fig3", ["--set", "channel.bandwidth_hz=2e3"], "bandwidth_hz >= subcarrier_spacing_hz"),
    ("fig3", ["--set", "channel.subcarrier_index=100000"], "subcarrier_index < bandwidth_hz"),
    ("fig3", ["--set", "channel.antenna_temperature_k=0"], "0 < antenna_temperature_k"),
    ("fig3", ["--set", "channel.noise_figure_db=-1"], "channel.noise_figure_db = -1"),
    ("fig3", ["--set", "channel.phase_model=foo"], "'gaussian', 'physical'"),
    ("fig3", ["--set", "channel.scintillation=1"], "channel.scintillation = 1 has the wrong"),
    ("fig3", ["--set", "channel.prediction_horizon_s=1000"], "prediction_horizon_s <= 100"),
    ("fig3", ["--set", "channel.sigma_tau_s=-1e-9"], "channel.sigma_tau_s"),
    ("fig3", ["--set", "run.drops=0"], "run.drops = 0"),
    ("fig3", ["--set", "run.drops=ten"], "run.drops = 'ten' has the wrong type"),
    ("fig3", ["--set", "run.seed=-1"], "run.seed = -1"),
    ("fig3", ["--set", "run.name=.."], "run.name = '..'"),
    ("fig3", ["--set", "run.name=."], "run.name = '.'"),
    ("fig3", ["--set", "run.name=a/b"], "a plain file name"),
    ("fig3", ["--set", "run.name="], "run.name = ''"),
    ("fig3", ["--set", "run.name=" + "a" * 101], "a plain file name of at most 100"),
    ("fig3", ["--set", "sweep.p_tx_dbm=[30, 30]"], "a non-empty list of distinct numbers"),
    ("fig3", ["--set", "sweep.zeta2=[0.5, 0.5]"], "sweep.zeta2 = [0.5, 0.5] is out of range"),
    ("fig3", ["--set", "sweep.array_size=[4, 4]"], "each an integer 1 <= array_size <= 256"),
    ("fig3", ["--set", "constellation.epoch_utc=9999-12-31T00:00:00Z", "--set",
              "drop.epoch_spread_s=1e8"], "epoch_utc + drop.epoch_spread_s in 2200 or before"),
    ("fig3", ["--drop", "3"], "unrecognized arguments: --drop"),  # not --drops
    ("fig3", ["--over"], "unrecognized arguments: --over"),
    ("fig3", ["--resume", "--overwrite"], "not allowed with argument --resume"),
    ("fig3", ["--set", "run.kind=swep"], "run.kind = 'swep'"),
    ("fig3", ["--set", "run.max_attempts=0"], "run.max_attempts = 0"),
    ("fig3", ["--set", "run.chunk_drops=0"], "run.chunk_drops = 0"),
    ("fig3", ["--set", "run.first_drop=-1"], "run.first_drop = -1"),
    ("fig3", ["--set", "drop.n_users=0"], "drop.n_users = 0"),
    ("fig3", ["--set", "drop.n_satellites=0"], "drop.n_satellites = 0"),
    ("fig3", ["--set", "drop.radius_m=0"], "0 < radius_m"),
    ("fig3", ["--set", "drop.min_elevation_deg=90"], "min_elevation_deg < 90"),
    ("fig3", ["--set", "drop.centre_lat_deg=10"], "given together with centre_lat_deg"),
    ("fig3", ["--set", "drop.centre_lat_deg=100", "--set", "drop.centre_lon_deg=0"],
     "drop.centre_lat_deg = 100"),
    ("fig3", ["--set", "drop.epoch_spread_s=-1"], "drop.epoch_spread_s = -1"),
    ("fig3", ["--set", "constellation.walker.n_planes=29"], "does not divide total_satellites"),
    ("fig3", ["--set", "constellation.walker.phasing=28"], "phasing < n_planes = 28"),
    ("fig3", ["--set", "constellation.walker.inclination_deg=0"], "0 < inclination_deg < 180"),
    ("fig3", ["--set", "constellation.walker.altitude_m=10"],
     "constellation.walker.altitude_m = 10"),
    ("fig3", ["--set", "constellation.epoch_utc=yesterday"], "an ISO 8601 UTC time"),
    ("fig3", ["--set", "constellation.walker.raan_spread_deg=0"], "0 < raan_spread_deg"),
    ("fig3", ["--set", "constellation.source=moon"], "'walker', 'preset', 'shells', 'tle'"),
    ("fig3", ["--set", "constellation.source=tle"], "constellation.tle.path = '' is empty"),
    ("fig3", ["--set", "constellation.source=tle", "--set",
              "constellation.tle.path=missing.tle"], "no such file"),
    ("fig3", ["--set", "constellation.source=tle", "--set",
              f"constellation.tle.path={SAMPLE_TLE}"], "max_element_age_days = 30 days"),
    ("fig3", ["--set", "constellation.source=tle", "--set",
              f"constellation.tle.path={SAMPLE_TLE}", "--set",
              "constellation.epoch_utc=2020-05-07T12:00:00Z", "--set",
              "constellation.tle.sha256=abc"], "constellation.tle.sha256 = 'abc'"),
    ("fig3", ["--set", "constellation.tle.max_element_age_days=0"], "max_element_age_days = 0"),
    ("fig3", ["--set", "constellation.source=preset"], "constellation.preset = '' is empty"),
    ("fig3", ["--set", "constellation.source=preset", "--set",
              "constellation.preset=iridium"], "'starlink-gen1'"),
    ("fig3", ["--set", "constellation.source=shells"], "constellation.shells = () is empty"),
    ("fig3", ["--set", "constellation.source=shells", "--set",
              'constellation.shells=[{label="A"}]'], "missing key"),
    ("fig3", ["--set", "constellation.shells=[1, 2]"], "constellation.shells"),
    ("fig3", ["--set", "precoding.schemes=[]"], "a non-empty list of distinct names"),
    ("fig3", ["--set", 'precoding.schemes=["zf"]'], "precoding.schemes"),
    ("fig3", ["--set", 'precoding.schemes=["ss-mmse", "ss-mmse"]'], "distinct names"),
    ("fig3", ["--set", "precoding.max_iter=-1"], "precoding.max_iter = -1"),
    ("fig3", ["--set", "precoding.tol=nan"], "precoding.tol = nan"),
    ("fig3", ["--set", "precoding.mc_samples=0"], "precoding.mc_samples = 0"),
    ("fig3", ["--set", "precoding.estimator=median"], "one of 'mean', 'control-variate'"),
    ("fig3", ["--set", "precoding.estimator=control-variate", "--set", "precoding.mc_samples=2"],
     "mc_samples >= 4 with estimator = 'control-variate'"),
    ("fig3", ["--set", "sweep.p_tx_dbm=[]"], "a non-empty list"),
    ("fig3", ["--set", "sweep.p_tx_dbm=[100]"], "each <= 80 dBm"),
    ("fig3", ["--set", "sweep.p_tx_dbm=nan"], "sweep.p_tx_dbm"),
    ("fig3", ["--set", "sweep.zeta2=[-1]"], "sweep.zeta2"),
    ("fig3", ["--set", "sweep.n_satellites=[0]"], "sweep.n_satellites"),
    ("fig3", ["--set", "sweep.n_satellites=[1.5]"], "has the wrong type"),
    ("fig3", ["--set", "sweep.kappa_db=[nan]"], "sweep.kappa_db"),
    ("fig3", ["--set", "sweep.power_offset_db=[-1]"], "sweep.power_offset_db"),
    ("fig3", ["--set", "sweep.array_size=[0]"], "sweep.array_size"),
    ("fig3", ["--set", "precoding.ic_realisations=0"], "precoding.ic_realisations = 0"),
    ("fig3", ["--set", "precoding.ic_realisations=2000"], "ic_realisations <= mc_samples"),
    ("timeline", ["--set", 'precoding.schemes=["ic-wmmse"]'], "in run.kind = 'sweep' only"),
    ("fig3", ["--set", 'precoding.schemes=["ms-zf"]'], "'ms-jomwmmse-psc'"),
    ("fig2", ["--set", "delay.threshold_min_s=1", "--set", "delay.threshold_max_s=0.5"],
     "threshold_max_s > threshold_min_s"),
    ("fig2", ["--set", "delay.n_thresholds=1"], "delay.n_thresholds = 1"),
    ("fig2", ["--set", "delay.cp_s=-1"], "delay.cp_s = -1"),
    ("timeline", ["--set", "timeline.step_s=0"], "0 < step_s"),
    ("timeline", ["--set", "timeline.duration_s=-1"], "timeline.duration_s = -1"),
    ("timeline", ["--set", "timeline.csi_age_s=[1, 1]"], "distinct"),
    ("timeline", ["--set", "timeline.csi_age_s=[0]"], "timeline.csi_age_s"),
    ("timeline", ["--set", "timeline.age_origin_every=0"], "timeline.age_origin_every = 0"),
    ("timeline", ["--set", "timeline.p_tx_dbm=100"], "timeline.p_tx_dbm = 100"),
    ("timeline", ["--animation", "avi"], "'none', 'gif', 'mp4'"),
    ("waveform", ["--fft-size", "100"], "n_subcarriers <= fft_size = 100"),
    ("waveform", ["--fft-size", "100", "--subcarriers", "64"],
     "waveform.fft_size = 100 gives a non-integer NR normal CP"),
    ("waveform", ["--fft-size", "1e9"], "waveform.fft_size"),
    ("waveform", ["--subcarriers", "1000"], "n_subcarriers <= fft_size = 128"),
    ("waveform", ["--p-tx-dbm", "nan"], "waveform.p_tx_dbm = nan"),
    ("waveform", ["--scheme", "bogus"], "waveform.scheme = 'bogus'"),
    ("waveform", ["--zeta2", "-1"], "channel.zeta2 = -1"),
    ("waveform", ["--sigma-nu-hz", "nan"], "channel.sigma_nu_hz = nan"),
    ("waveform", ["--drop", "-1"], "run.first_drop = -1"),
    ("waveform", ["--symbols", "1"], "waveform.n_symbols = 1"),
    ("waveform", ["--blocks", "0"], "waveform.n_blocks = 0"),
    ("waveform", ["--modulation", "8psk"], "waveform.modulation = '8psk'"),
    ("show", ["--scheme", "bogus"], "show.scheme = 'bogus'"),
    ("show", ["--lat", "100", "--lon", "0"], "drop.centre_lat_deg = 100"),
    ("show", ["--lat", "10"], "given together with centre_lat_deg"),
    ("show", ["--epoch", "notadate"], "constellation.epoch_utc = 'notadate'"),
    ("show", ["--set", "show.track_step_s=0"], "show.track_step_s = 0"),
    ("constellations", ["--set", "constellations.presets=[]"], "a non-empty list"),
    ("constellations", ["--set", 'constellations.presets=["iridium"]'],
     "constellations.presets"),
    ("constellations", ["--set", "constellations.latitudes_deg=[95]"],
     "constellations.latitudes_deg"),
    ("fig3", ["--scheduler", "tcp://localhost:99999"], "PORT in 1..65535"),
    ("fig3", ["--scheduler", "notanaddress"], "[tcp://]HOST:PORT"),
    ("fig3", ["--workers", "0"], "must be an integer >= 1"),
    ("fig3", ["--drops", "-5"], "must be an integer >= 1"),
    ("fig3", ["--drops", "x"], "must be an integer >= 1"),
    ("fig3", ["--seed", "abc"], "invalid int value"),
    ("fig3", ["--figures", "jpg"], "unknown figure format 'jpg'; allowed: comma-separated png"),
    ("fig3", ["--figures", "png,"], "unknown figure format ''"),
    ("waveform", ["--figures", ""], "allowed: comma-separated png, pdf, svg, or none"),
    ("fig3", ["--quick", "--set", "run.seed=1.5"], "run.seed = 1.5 has the wrong type"),
]


def _run(argv, capsys) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = exc.code
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize(("study", "extra", "fragment"), CASES,
                         ids=[f"{c[0]}-{'_'.join(c[1])[:40]}" for c in CASES])
def test_bad_option_or_key_exits_2_naming_it_and_writes_nothing(
    study, extra, fragment, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "run"
    config = ["--config", TINY] if study not in ("waveform", "show") else []
    code, err = _run([study, *config, "--out", str(out), "--quiet", *extra], capsys)
    assert code == 2
    assert fragment in err, err
    assert "Traceback" not in err
    assert not out.exists() and not (tmp_path / "results").exists()


@pytest.fixture
def files(tmp_path):
    binary = tmp_path / "binary.toml"
    binary.write_bytes(bytes(range(256)))
    broken = tmp_path / "broken.toml"
    broken.write_text("[run\nname = 'x'\n")
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("[chanel]\nzeta2 = 0.5\n")
    a_file = tmp_path / "a_file"
    a_file.write_text("not a directory")
    (tmp_path / "empty_dir").mkdir()
    corrupt = tmp_path / "corrupt_run"
    corrupt.mkdir()
    (corrupt / "run.json").write_text('{"config": {')
    (tmp_path / "nested_run").mkdir()
    (tmp_path / "nested_run" / "run.json").write_text("[" * 100_000)
    configs = (("list_config", "[1]"), ("text_config", '"x"'), ("typed_config", '{"run": 5}'),
               ("keyed_config", '{"run": {"drops": []}}'))
    for name, config in configs:
        (tmp_path / name).mkdir()
        (tmp_path / name / "run.json").write_text(f'{{"config": {config}}}')
    (tmp_path / "presets_number.toml").write_text("presets = 3\n")
    (tmp_path / "preset_number.toml").write_text("[presets]\nfig3 = 5\n")
    return tmp_path


FILE_CASES = [
    (["fig3", "--config", "{d}/missing.toml"], "does not exist"),
    (["fig3", "--config", "{d}/empty_dir"], "is a directory, not a TOML file"),
    (["fig3", "--config", "{d}/binary.toml"], "is not UTF-8 text"),
    (["fig3", "--config", "{d}/broken.toml"], "is not valid TOML"),
    (["run", "{d}/unknown.toml"], "unknown config section 'chanel'"),
    (["run", TINY, "--preset", "nope"], "preset 'nope' not found"),
    (["fig3", "--config", TINY, "--out", "{d}/a_file"], "is a file"),
    (["fig3", "--config", TINY, "--out", "{d}/a_file/sub"], "cannot write the run directory"),
    (["fig3", "--config", TINY, "--out", "/proc/coopsat-test/run"],
     "cannot write the run directory"),
    (["fig3", "--config", TINY, "--out", "{d}/empty_dir", "--resume"], "no run.json"),
    (["fig3", "--config", TINY, "--out", "{d}"], "is a non-empty folder holding no coopsat run"),
    (["fig3", "--config", TINY, "--out", "{d}", "--overwrite"], "holding no coopsat run"),
    (["fig3", "--config", TINY, "--out", ""], "--out '.' is a non-empty folder holding no"),
    (["fig3", "--config", TINY, "--out", "{d}/" + "n" * 300], "too long"),
    (["plot", "{d}/empty_dir"], "is not a coopsat run directory"),
    (["plot", "{d}/missing"], "is not a coopsat run directory"),
    (["plot", "{d}/missing", "--figures", "none"], "plot --figures none would draw nothing"),
    (["plot", "{d}/corrupt_run"], "is unreadable or not JSON"),
    (["plot", "{d}/nested_run"], "is unreadable or not JSON"),
    (["plot", "{d}/typed_config"], "unknown config key 'run'; known: run.name"),
    (["plot", "{d}/keyed_config"], "run.drops = [] has the wrong type"),
    (["plot", "{d}/list_config"], "holds no config"),
    (["plot", "{d}/text_config"], "holds no config"),
    (["fig3", "--config", "{d}/presets_number.toml"], "presets must be a table of"),
    (["fig3", "--config", "{d}/preset_number.toml"], "presets.fig3 must be a table"),
    (["run", "{d}/preset_number.toml", "--preset", "fig3"], "presets.fig3 must be a table"),
]


@pytest.mark.parametrize(("argv", "fragment"), FILE_CASES,
                         ids=[f"{a[0]}-{i}" for i, (a, _) in enumerate(FILE_CASES)])
def test_bad_files_and_directories_exit_2_with_one_line(
    argv, fragment, files, monkeypatch, capsys
):
    monkeypatch.chdir(files)
    before = sorted(p.name for p in files.rglob("*"))
    code, err = _run([a.format(d=files) for a in argv] + ["--quiet"] * (argv[0] != "plot"),
                     capsys)
    assert code == 2
    assert fragment in err, err
    assert "Traceback" not in err and err.count("\n") == 1
    assert sorted(p.name for p in files.rglob("*")) == before
