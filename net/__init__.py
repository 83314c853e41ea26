"""The workshop host and its protocol: ``detente serve`` and (later) the remote client. No Textual."""
