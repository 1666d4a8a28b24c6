"""coopsat.experiments"""
