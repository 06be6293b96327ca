"""Times as the author reads them: "22 December 2026, 10:30", in messages, the admin's
lists and the preview banner. Django's English ones ("Dec. 22, 2026, 10:30 a.m.") end
with a full stop, and a sentence ending with one of them read "a.m.."."""

DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
