from audit.services import audit_reads_batched


class AccessLogMiddleware:
    """Write the reads a request logs in one insert when the answer is ready, before it leaves.

    A case page logs the case, the citizen's earlier courses and what its sections show; each
    write on its own is a commit that waits for the disk. Kept together, the page waits once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with audit_reads_batched():
            return self.get_response(request)
