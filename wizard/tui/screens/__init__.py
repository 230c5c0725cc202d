"""One screen per step of the wizard, on the StepScreen base class."""
