# Redis down or frozen, for the tests of what Brobyg does then.
from tests.core.outage import redis_down, redis_frozen, redis_outage  # noqa: F401
