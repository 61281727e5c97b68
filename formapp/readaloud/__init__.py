"""Read aloud (issue 19): what a consent text sounds like, section by section.

- ``sections``: the parts of any text version that are read one at a time;
- ``machine``: espeak-ng readings, generated once into a content-addressed cache;
- ``media``: what an uploaded recording is (type by its magic bytes, length);
- ``evidence``: the line the consent PDF prints about what was heard.

Recordings and the evidence check against them are in ``formapp.records.read_aloud``.
"""
