from . import marketplace_channel
