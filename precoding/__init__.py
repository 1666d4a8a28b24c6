"""coopsat.precoding"""
