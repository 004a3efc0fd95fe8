"""The applicant's personal data, encrypted and kept apart from the application."""

from django.db import models

from applications import pii
from applications.models.application import Application
from applications.models.choices import IdType


class Applicant(models.Model):
    """The applicant's personal data, kept apart from the application (PIPL: minimum, protected).

    ID number, phone and address are AES-GCM ciphertexts; ``*_masked`` hold the masked forms shown
    in lists, and ``id_index`` is the blind index for exact search and duplicate checks.
    """

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="applicant", verbose_name="申请"
    )
    name = models.CharField("申请人姓名", max_length=50)
    org_name = models.CharField("法人或其他组织名称", max_length=100, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    id_type = models.CharField("证件类型", max_length=12, choices=IdType.choices)
    id_number_enc = models.BinaryField("证件号码（密文）", editable=False)
    id_number_masked = models.CharField("证件号码", max_length=40)
    id_index = models.CharField("证件号码检索索引", max_length=64, db_index=True, editable=False)
    phone_enc = models.BinaryField("联系电话（密文）", editable=False)
    phone_masked = models.CharField("联系电话", max_length=30)
    email = models.EmailField("电子邮箱", blank=True)
    address_enc = models.BinaryField("通信地址（密文）", editable=False, blank=True)
    address_masked = models.CharField("通信地址", max_length=20, blank=True)
    key_version = models.PositiveSmallIntegerField("密钥版本", editable=False)

    class Meta:
        verbose_name = "申请人信息"
        verbose_name_plural = "申请人信息"

    def __str__(self):
        return pii.mask_name(self.name)

    def set_personal_data(self, *, id_number, phone, address):
        self.id_number_enc = pii.encrypt(id_number, field="id_number")
        self.id_number_masked = pii.mask_id_number(pii.normalise(id_number))
        self.id_index = pii.blind_index(id_number, field="id_number")
        self.phone_enc = pii.encrypt(phone, field="phone")
        self.phone_masked = pii.mask_phone(phone)
        self.address_enc = pii.encrypt(address, field="address")
        self.address_masked = pii.mask_address(address)
        self.key_version = pii.key_version()

    @property
    def masked_name(self):
        return pii.mask_name(self.name)

    @property
    def masked_email(self):
        return pii.mask_email(self.email)

    def reveal(self):
        """The full values. Call only through ``services.applicant_reveal``, which logs it."""
        return {
            "id_number": pii.decrypt(self.id_number_enc, field="id_number"),
            "phone": pii.decrypt(self.phone_enc, field="phone"),
            "address": pii.decrypt(self.address_enc, field="address"),
        }
