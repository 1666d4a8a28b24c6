"""coopsat.data: the shipped configs, tables, constellation presets, coastlines and TLE files.

Not code: a package only so that ``importlib.resources.files("coopsat.data")`` finds the files
in a checkout, an editable install and a wheel alike (``coopsat.constellation.data_path``).
"""
