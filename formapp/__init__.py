"""formapp: FK 9443, 9448 and 9449 on a tablet for Swedish samordningsförbund.

The application factory lives in ``formapp.app`` so that importing a pure part (documents,
domain, definitions) does not pull in the web layer.
"""
