from django.apps import AppConfig


class PerfConfig(AppConfig):
    """Benchmark, synthetic data set and load-test harness; no models, no URLs."""

    name = "perf"
    verbose_name = "性能与可靠性"
