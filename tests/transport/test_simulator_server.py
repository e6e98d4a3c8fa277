"""The simulator base: routing, fault injection, request log."""
import requests
from marketplace_simulator import SimulatorApp, SimulatorServer
from marketplace_simulator.server import Response


def _app():
    app = SimulatorApp()

    @app.route("GET", r"/ping/(?P<name>\w+)")
    def ping(request):
        return Response(200, {"pong": request.params["name"], "q": request.query.get("x")})

    return app


def test_routes_and_unknown_path():
    app = _app()
    with SimulatorServer(app) as server:
        response = requests.get(f"{server.url}/ping/abc?x=1", timeout=5)
        assert response.json() == {"pong": "abc", "q": "1"}
        missing = requests.get(f"{server.url}/nope", timeout=5)
        assert missing.status_code == 404
        assert missing.headers["Content-Type"] == "application/problem+json"
    assert app.count_requests(r"^/ping/") == 1


def test_faults_count_and_after():
    app = _app()
    app.add_fault(r"GET /ping/", status=503, count=2, after=1)
    with SimulatorServer(app) as server:
        codes = [requests.get(f"{server.url}/ping/a", timeout=5).status_code for _ in range(4)]
    assert codes == [200, 503, 503, 200]


def test_reset_fault_breaks_the_connection():
    app = _app()
    app.add_fault(r"GET /ping/", kind="reset")
    with SimulatorServer(app) as server:
        try:
            requests.get(f"{server.url}/ping/a", timeout=5)
        except requests.ConnectionError:
            pass
        else:
            raise AssertionError("a reset connection must raise ConnectionError")
        assert requests.get(f"{server.url}/ping/a", timeout=5).status_code == 200
