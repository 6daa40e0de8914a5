"""Figures of epidemic investigation. Disease-specific figures (look-back days, measures, settings) are
protocol data (:class:`~safecity.epidemic.models.Protocol`), not here; these are the platform's own."""

from datetime import timedelta

from .choices import Classification

#: A case with one of these classifications gives no contacts and does not count in its chain.
NOT_A_CASE = (Classification.EXCLUDED,)

#: Onset is often known to the day only (recalled by the patient): a treatment start up to this long before
#: the recorded onset is accepted; earlier is refused as an entry error.
ONSET_UNCERTAINTY = timedelta(days=1)

#: A chain is active while it had an onset, or a new contact was determined, in the last this many days.
CLUSTER_ACTIVE_DAYS = 14

#: The chain graph draws at most this many nodes one by one; beyond it cases and close contacts stay
#: individual and the rest are aggregated into count nodes per (generation, class, town).
GRAPH_NODE_LIMIT = 2000
#: Hard upper bound a caller may ask for with ``?limit=`` (keeps the browser responsive).
GRAPH_NODE_LIMIT_MAX = 5000

#: "Any depth" in ``contacts_of_case``: the chain is followed through contacts who became cases, at most this deep.
CONTACT_DEPTH_MAX = 8

#: Prefix of transmission chain codes (TC000001 …) and case numbers per disease (DENGUE-20260101-0001).
CLUSTER_CODE_PREFIX = "TC"

#: The chain graph keeps the structure of chains of at least this many persons per process (up to
#: :data:`GRAPH_CACHE_CHAINS` of them) and reuses it while nothing in the chain changed; smaller chains are
#: built on every request (a few milliseconds).
GRAPH_CACHE_MIN_PERSONS = 2000
GRAPH_CACHE_CHAINS = 8
