"""Question banks from other systems (GIFT, Moodle XML) turned into Courseware's Markdown quiz blocks.

``flask courses import-gift FILE`` and ``flask courses import-moodle-xml FILE`` (``cli``) read a bank
(``gift``, ``moodle_xml``) into plain questions (``bank``), whose texts are turned into Markdown
(``markup``), and write them as ``/// quiz`` blocks (``quiz_markdown``) that ``flask courses check``
accepts. A question Courseware cannot ask is reported with its place in the file, never dropped.
"""
