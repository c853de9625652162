"""Engagement: the municipality asks and answers. A live Q&A hour, digital citizen meetings,
consultations on a map, the idea portal and the promise to answer in time."""

from flask import Blueprint

bp = Blueprint("engagement", __name__, template_folder="templates", url_prefix="/engagement")
