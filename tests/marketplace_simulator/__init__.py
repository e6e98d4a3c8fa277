"""Marketplace simulator: a real HTTP server on 127.0.0.1 speaking the documented APIs.

Shared by the test suite, the benchmark and the demo (``python -m marketplace_simulator``).
Each marketplace module registers its routes on a :class:`SimulatorApp`.
"""
from .server import Fault, Request, Response, SimulatorApp, SimulatorServer
