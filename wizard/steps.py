"""The wizard's steps, in order (shared by the question spec and the full-screen crumb)."""

STEPS = ("Project", "Hardware", "Targets", "Accelerators", "Packages", "Review", "Lock", "Done")
