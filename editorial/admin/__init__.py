"""The editorial side of the admin, one concern per module: roles, share links and
revisions for each writing type (``mixins``), the writing types' own forms
(``writing``), every post in one list with the calendar (``all_writing``), the
revisions (``revision``), the desk's "mark as seen" (``desk_views``). Importing the
package registers them all."""

from . import all_writing, desk_views, revision, writing  # noqa: F401
