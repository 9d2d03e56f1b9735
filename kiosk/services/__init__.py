"""Services: devices combined into the steps the flow asks for."""
