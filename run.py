"""Entry point: `flask --app run <command>` and `make run`."""

from app import create_app

app = create_app()

if __name__ == "__main__":
    app.run()
