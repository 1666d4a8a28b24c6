"""coopsat.constellation"""
