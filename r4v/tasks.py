from celery import shared_task

from . import forms, reminders, services


@shared_task(name="r4v.deliver_notification")
def deliver_notification(notification_id: int) -> bool:
    return services.notification_deliver(notification_id=notification_id)


@shared_task(name="r4v.deliver_pending_notifications")
def deliver_pending_notifications() -> int:
    return services.notifications_deliver_pending()


@shared_task(name="r4v.send_invitation")
def send_invitation(user_id: int) -> bool:
    return services.invitation_send(user_id=user_id)


@shared_task(name="r4v.send_password_reset")
def send_password_reset(email: str, language: str) -> None:
    form = forms.PasswordResetForm(data={"email": email})
    if form.is_valid():
        form.send_now(language=language)


@shared_task(name="r4v.sweep_reminders")
def sweep_reminders() -> int:
    return reminders.reminders_sweep()


@shared_task(name="r4v.send_notification_digests")
def send_notification_digests() -> int:
    return services.notification_digests_send()
