import yaml

# ruleid: type-check-suppression-comment
data = yaml.safe_load(text)  # type: ignore
# ruleid: type-check-suppression-comment
value = cfg["x"]  # pyright: ignore[reportGeneralTypeIssues]
# ok: type-check-suppression-comment
kind = "type: ignore is documented in docs"
