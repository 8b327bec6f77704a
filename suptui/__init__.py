"""suptui: a live OTP-style supervision tree in the terminal."""
