"""我的待办: the home page of every role but the administrator — what is mine to review, do,
and chase, in my scope (app.todo.service), as a page, a JSON API and a navbar badge."""
