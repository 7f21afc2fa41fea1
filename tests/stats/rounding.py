"""What the statistics may publish for a count, as docs/statistics.md says, for tests that check
a published number against the true count it came from (which way it rounds depends on the
counted records' keys, which are random ids)."""

K = 5


def publishable(n: int, k: int = K) -> set[int]:
    """Every number a count of n can be published as: 0 below k; otherwise the multiple of k
    below or above it, or, rarely, one multiple further."""
    if n < k:
        return {0}
    below = n - n % k
    nearest = {n} if n % k == 0 else {below, below + k}
    return {m + step for m in nearest for step in (-k, 0, k)}


def publishable_text(n: int, k: int = K) -> set[str]:
    return {str(m) for m in publishable(n, k)}
