"""coopsat.channel"""
