"""Engagement services by subject: the Q&A hour (qa), citizen meetings (meetings), consultations on a
map (consultations), the idea portal (ideas) with its Danish search (search), and the response-time
promise (promises). They flush, send signals and raise DomainError; views commit once."""
