"""The investigator app (Streamlit). Pages only render; the logic lives in the library."""
